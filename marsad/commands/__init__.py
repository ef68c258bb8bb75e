"""Subcommands of `marsad`: one module each, with `register(subparsers)` setting `func`."""
