"""One module per check; :mod:`generator.lint.registry` lists them. See the README's "Lint" section."""
