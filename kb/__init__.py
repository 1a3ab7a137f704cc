"""The knowledge base: sqlite-utils schema, build, entity resolution, export, Datasette."""
