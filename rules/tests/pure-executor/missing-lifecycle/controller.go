package lifecycle

// ok: no-routing-functions, pending-path-no-cooldown
func create(target string) error { return nil }
