from communique.cli import main

main(prog_name="communique")
