package usbip

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"testing"
)

func fuzzSubmit(seq, dir, ep, length uint32, setup []byte, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, cmdSubmit)
	for _, v := range []uint32{seq, 0x10002, dir, ep, 0, length, 0, noISOPackets, 0} {
		b = binary.BigEndian.AppendUint32(b, v)
	}
	b = append(b, setup...)
	return append(b, data...)
}

func fuzzSeeds(f *testing.F) {
	getDesc := []byte{0x80, 6, 0, 1, 0, 0, 18, 0}
	f.Add(fuzzSubmit(1, dirIn, 0, 18, getDesc, nil))
	f.Add(fuzzSubmit(2, dirOut, 1, 3, make([]byte, 8), []byte("abc")))
	f.Add(fuzzSubmit(3, dirIn, 2, 64, make([]byte, 8), nil))
	unl := binary.BigEndian.AppendUint32(nil, cmdUnlink)
	for _, v := range []uint32{4, 0x10002, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0} {
		unl = binary.BigEndian.AppendUint32(unl, v)
	}
	f.Add(append(fuzzSubmit(3, dirIn, 2, 64, make([]byte, 8), nil), unl...))
	f.Add(fuzzSubmit(5, dirOut, 1, 100, make([]byte, 8), []byte("short")))
	iso := fuzzSubmit(6, dirOut, 1, 0, make([]byte, 8), nil)
	binary.BigEndian.PutUint32(iso[32:], 2)
	f.Add(append(iso, make([]byte, 32)...))
	f.Add([]byte{})
}

// FuzzReadCommand checks that the URB-phase decoder never panics, never
// reads past what a PDU claims, and refuses rather than guesses.
func FuzzReadCommand(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		for {
			before := r.Len()
			c, err := readCommand(r, 1<<20)
			if err != nil {
				var pe *ProtocolError
				if !errors.Is(err, io.EOF) && !errors.As(err, &pe) {
					t.Fatalf("error of unexpected kind: %v", err)
				}
				return
			}
			used := before - r.Len()
			if c.code == cmdSubmit && c.dir == dirOut && len(c.data) != int(c.length) {
				t.Fatalf("OUT payload %d bytes, header says %d", len(c.data), c.length)
			}
			if used < urbHeaderSize {
				t.Fatalf("consumed %d bytes, less than a header", used)
			}
		}
	})
}

// FuzzReadOpRequest covers the first PDU of a connection.
func FuzzReadOpRequest(f *testing.F) {
	f.Add([]byte{0x01, 0x11, 0x80, 0x05, 0, 0, 0, 0})
	f.Add(append([]byte{0x01, 0x11, 0x80, 0x03, 0, 0, 0, 0}, []byte("1-1\x00")...))
	f.Add([]byte{0x01, 0x06, 0x80, 0x05})
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := readOpRequest(bytes.NewReader(data))
		if err == nil && req.code == opReqImport && len(req.busID) >= busIDSize {
			t.Fatalf("bus id %q longer than its field", req.busID)
		}
	})
}

// fuzzDevice answers everything, and its IN endpoint waits for ever, so
// that the session fuzzer reaches unlink and teardown paths.
type fuzzDevice struct{}

func (fuzzDevice) Descriptor() Descriptor {
	return Descriptor{VendorID: 1, ProductID: 2, Interfaces: []Interface{{Class: 7, SubClass: 1, Protocol: 2,
		Endpoints: []Endpoint{
			{Address: 0x01, Type: TransferBulk, MaxPacketSize: 64, Out: func(_ context.Context, b []byte) (int, error) { return len(b), nil }},
			{Address: 0x82, Type: TransferBulk, MaxPacketSize: 64, In: func(ctx context.Context, _ int) ([]byte, error) {
				<-ctx.Done()
				return nil, ctx.Err()
			}},
		}}}}
}

func (fuzzDevice) Control(_ context.Context, s Setup, _ []byte) ([]byte, error) {
	if s.In() {
		return bytes.Repeat([]byte{0xaa}, int(s.Length)+3), nil
	}
	return nil, nil
}

// FuzzSession feeds arbitrary bytes to a connection that has imported a
// device: the server must answer or hang up, never panic or hang.
func FuzzSession(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		s := NewServer(Options{MaxTransfer: 1 << 16})
		if err := s.Add("1-1", fuzzDevice{}); err != nil {
			t.Fatal(err)
		}
		s.devices["1-1"].devNum = 2
		client, server := net.Pipe()
		done := make(chan struct{})
		go func() {
			newConn(s, server).serve()
			close(done)
		}()
		go io.Copy(io.Discard, client) //nolint:errcheck // replies are not checked here
		req := append([]byte{0x01, 0x11, 0x80, 0x03, 0, 0, 0, 0}, make([]byte, busIDSize)...)
		copy(req[8:], "1-1")
		client.Write(req)  //nolint:errcheck // the server may hang up at any point
		client.Write(data) //nolint:errcheck
		client.Close()
		<-done
	})
}
