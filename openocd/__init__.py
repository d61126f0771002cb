"""bootjump's OpenOCD layer: the generator of build/gen/bj_openocd.tcl and the launcher the CLI and the
tests start OpenOCD with (openocd/README.md)."""
