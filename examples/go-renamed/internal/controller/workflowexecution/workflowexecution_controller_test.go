package workflowexecution

import "testing"

// The executor has no skip path: a test named after the removed MarkSkipped documents it.
func TestNoMarkSkippedPath(t *testing.T) {
	if got := hashTarget("deployment/payments"); len(got) != 8 {
		t.Fatalf("hash %q", got)
	}
}
