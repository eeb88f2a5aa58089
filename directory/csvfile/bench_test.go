package csvfile

import (
	"context"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/cybridge/cybridge/fixtures"
)

// BenchmarkRead100kShiftJIS reads a generated 100,000-user export (SPEC §9
// shape: 5,000 organizations 5 levels deep, 1.3 memberships per user, 200
// groups) written as cybozu.com writes it by default: Shift_JIS, comma,
// CRLF, Japanese header. Besides time and allocations it reports the peak
// live heap while reading (peak-heap-MB, sampled every millisecond; it
// includes the snapshot being built) and the size of user.csv.
func BenchmarkRead100kShiftJIS(b *testing.B) {
	snap := fixtures.Generate(fixtures.GenParams{Users: 100000, Seed: 1})
	files, err := WriteDir(b.TempDir(), snap, WriteOptions{})
	if err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(files.Users)
	if err != nil {
		b.Fatal(err)
	}
	snap = nil
	runtime.GC()

	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				metrics.Read(sample)
				peak = max(peak, sample[0].Value.Uint64())
			}
		}
	}()

	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		got, err := Read(context.Background(), files, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(got.Users) != 100000 {
			b.Fatalf("%d users", len(got.Users))
		}
	}
	b.StopTimer()
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(fi.Size())/1e6, "user.csv-MB")
}
