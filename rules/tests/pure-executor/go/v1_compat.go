package we // ok: no-compat-stubs

// Only a file named v1_compat_stubs.go is forbidden; a v1 conversion helper may stay.
func fromV1(target string) string { return target }
