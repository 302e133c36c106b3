from ebcheck.cli import main

main()
