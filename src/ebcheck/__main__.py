from ebcheck.cli.app import main

main()
