package we

import "testing"

// Findings in test code are listed apart by the pack (tests = "separate"), never failing, but
// they are findings: the annotation expects them.
func TestNoCooldownGate(t *testing.T) {
	r := &Reconciler{}
	// ruleid: no-routing-functions
	_ = r.CheckCooldown
}
