"""Pure gateway logic: no I/O, no framework. Bytes and numbers in, values or errors out."""
