from harscrub.cli.app import main

main()
