from harscrub.cli import main

main()
