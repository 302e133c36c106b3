from ebcheck.cli.app import console

console()
