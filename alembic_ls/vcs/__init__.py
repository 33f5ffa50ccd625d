"""What git says about the project, for the checks that look at history: which files changed since
a base ref (CI on a pull request), and what a file said there."""
