"""Model drift (AM601): where, in the model files, a difference between models and database lives."""
