package we // ruleid: no-compat-stubs

// The file name alone is the finding; nothing in it is.
