package directory_test

import (
	"testing"

	"github.com/cybridge/cybridge/fixtures"
)

func BenchmarkDigest100k(b *testing.B) {
	s := fixtures.Generate(fixtures.GenParams{Users: 100000})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = s.Digest()
	}
}
