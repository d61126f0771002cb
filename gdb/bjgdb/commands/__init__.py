"""One module per `bootjump` subcommand; each declares itself with @registry.command, and
registry.install() imports every module found here."""
