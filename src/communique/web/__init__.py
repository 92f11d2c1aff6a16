"""The web view: communique's database in Datasette, as a plugin of Datasette's own hooks."""
