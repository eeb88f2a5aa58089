package scim_test

import (
	"testing"

	"github.com/cybridge/cybridge/internal/msg"
	"github.com/cybridge/cybridge/targets/scim"
)

func TestCodesHaveTexts(t *testing.T) {
	for _, k := range scim.Codes() {
		for _, l := range msg.Langs() {
			if _, ok := msg.Template(l, k); !ok {
				t.Errorf("%s has no %s text", k, l)
			}
		}
	}
}
