"""12351 worker service assistant: settings, NLU components and process launcher."""
