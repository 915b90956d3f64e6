from routemap.cli import main

main(prog_name="routemap")
