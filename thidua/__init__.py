"""thidua-kb: the command line that composes crawler, extract and kb."""
