package harness

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// UpdateGoldenEnv, when set to anything, makes golden checks write the
// current image instead of comparing (and pass).
const UpdateGoldenEnv = "POSEMU_UPDATE_GOLDEN"

func (r *Run) expectGolden(s *ExpectScreenStep) error {
	m := r.Emulator().LCD()
	return r.MatchGolden(s.Golden, s.Tolerance, r.Timeout(s.Timeout), "the screen",
		func() image.Image { return m.Snapshot() },
		func() string { return quoteLines("screen text", m.Lines()) })
}

// MatchGolden waits until snapshot matches the PNG at golden (relative to
// the scenario file) with at most tolerance percent of pixels differing.
// what names the image in messages; text, if not nil, adds what the image
// shows in words to a failure.
func (r *Run) MatchGolden(golden string, tolerance Percent, timeout time.Duration, what string,
	snapshot func() image.Image, text func() string) error {
	path := r.Path(golden)
	if os.Getenv(UpdateGoldenEnv) != "" {
		if err := writePNG(path, snapshot()); err != nil {
			return fmt.Errorf("writing golden %s: %w", golden, err)
		}
		r.Logf("wrote golden %s (%s is set)", path, UpdateGoldenEnv)
		return nil
	}
	want, err := readPNG(path)
	if err != nil {
		return r.Failf("", "golden %s: %v (run with %s=1 to write it from the current image)", golden, err, UpdateGoldenEnv)
	}
	return r.Await(timeout, fmt.Sprintf("%s to match %s (tolerance %.2f%%)", what, golden, float64(tolerance)), func() (bool, string) {
		got := snapshot()
		diff, total, first := compareImages(want, got)
		pct := 100 * float64(diff) / float64(max(total, 1))
		seen := fmt.Sprintf("%d of %d pixels differ (%.3f%%)", diff, total, pct)
		if wb, gb := want.Bounds(), got.Bounds(); wb.Size() != gb.Size() {
			seen = fmt.Sprintf("golden is %dx%d, %s is %dx%d", wb.Dx(), wb.Dy(), what, gb.Dx(), gb.Dy())
		} else if diff > 0 {
			seen += fmt.Sprintf(", the first at (%d,%d)", first.X, first.Y)
		}
		if text != nil {
			seen += "\n" + text()
		}
		return pct <= float64(tolerance), seen
	})
}

// compareImages counts the pixels that differ. Images of different sizes
// differ everywhere.
func compareImages(a, b image.Image) (diff, total int, first image.Point) {
	ab, bb := a.Bounds(), b.Bounds()
	total = max(ab.Dx()*ab.Dy(), bb.Dx()*bb.Dy())
	if ab.Size() != bb.Size() {
		return total, total, image.Point{}
	}
	first = image.Pt(-1, -1)
	for y := 0; y < ab.Dy(); y++ {
		for x := 0; x < ab.Dx(); x++ {
			r1, g1, b1, _ := a.At(ab.Min.X+x, ab.Min.Y+y).RGBA()
			r2, g2, b2, _ := b.At(bb.Min.X+x, bb.Min.Y+y).RGBA()
			if r1>>8 != r2>>8 || g1>>8 != g2>>8 || b1>>8 != b2>>8 {
				if diff == 0 {
					first = image.Pt(x, y)
				}
				diff++
			}
		}
	}
	return diff, total, first
}

func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("not a PNG: %w", err)
	}
	return img, nil
}

func writePNG(path string, img image.Image) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// lines splits text into lines without a trailing empty one.
func lines(s string) []string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
