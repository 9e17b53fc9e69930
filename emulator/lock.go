package emulator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// LockFile is the name of the lock in the device directory. It holds the
// pid of the posemu that owns the directory.
const LockFile = "posemu.lock"

// InUseError is a device directory that a running emulator holds.
type InUseError struct {
	DevDir string
	PID    int // 0 when the lock file names no pid
}

func (e *InUseError) Error() string {
	who := "another posemu"
	if e.PID > 0 {
		who = fmt.Sprintf("another posemu (pid %d)", e.PID)
	}
	return fmt.Sprintf("devdir %s is in use by %s; stop it or choose another --devdir", e.DevDir, who)
}

// acquireLock takes an exclusive flock on devdir/LockFile. The kernel drops
// a flock when its holder dies, so a lock left by a crashed posemu is free
// and is taken over without guessing from pids.
func acquireLock(devdir string) (*os.File, error) {
	path := filepath.Join(devdir, LockFile)
	for attempt := 0; attempt < 5; attempt++ {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("devdir lock: %w", err)
		}
		if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
			pid := readPID(f)
			f.Close()
			if errors.Is(err, unix.EWOULDBLOCK) {
				return nil, &InUseError{DevDir: devdir, PID: pid}
			}
			return nil, fmt.Errorf("devdir lock %s: %w", path, err)
		}
		// The previous holder may have unlinked the file between our open
		// and our flock; a lock on an unlinked file guards nothing.
		held, err1 := f.Stat()
		now, err2 := os.Stat(path)
		if err1 != nil || err2 != nil || !os.SameFile(held, now) {
			f.Close()
			continue
		}
		if err := f.Truncate(0); err != nil {
			f.Close()
			return nil, fmt.Errorf("devdir lock %s: %w", path, err)
		}
		if _, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0); err != nil {
			f.Close()
			return nil, fmt.Errorf("devdir lock %s: %w", path, err)
		}
		return f, nil
	}
	return nil, fmt.Errorf("devdir lock %s: keeps changing under us", path)
}

func readPID(f *os.File) int {
	buf := make([]byte, 32)
	n, _ := f.ReadAt(buf, 0)
	pid, _ := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	return pid
}

// releaseLock removes the lock file while still holding it, so nobody can
// lock the file in between and then find it gone.
func releaseLock(devdir string, f *os.File) error {
	err := os.Remove(filepath.Join(devdir, LockFile))
	if errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	return errors.Join(err, f.Close())
}

func ownerUID(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return int(st.Uid), true
}
