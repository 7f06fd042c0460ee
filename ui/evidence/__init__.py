"""The evidence workspace: voucher and ID images, live counter video, frame grabs."""
