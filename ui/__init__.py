"""Qt widgets only: they render state and turn input into calls on services passed in."""
