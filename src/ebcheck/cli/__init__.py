"""The command line: options to settings, delivery of reports, exit codes."""
