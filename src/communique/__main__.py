from communique.cli import main

# Guarded: worker processes of a load import the main module again, and must not rerun it.
if __name__ == "__main__":
    main(prog_name="communique")
