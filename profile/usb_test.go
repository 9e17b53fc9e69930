package profile_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/posemu/posemu/fixtures"
	"github.com/posemu/posemu/profile"
)

var _ = Describe("the printer's USB identity", func() {
	base := func() string {
		data, err := fixtures.Profiles.ReadFile("profiles/lakala-default.yaml")
		Expect(err).NotTo(HaveOccurred())
		s := string(data)
		return s[:strings.Index(s, "  # USB printer class")]
	}

	It("is Epson-like in the default profile", func() {
		u := profile.Default().Printer.USB
		Expect(u.String()).To(Equal("04b8:0202"))
		Expect(u.DeviceID).To(HavePrefix("MFG:EPSON;CMD:ESC/POS;"))
	})

	It("gets the defaults when the profile leaves it out", func() {
		p, err := profile.Parse("no-usb.yaml", []byte(base()))
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Printer.USB).To(Equal(profile.Default().Printer.USB))
	})

	It("takes the profile's IDs and strings", func() {
		p, err := profile.Parse("mine.yaml", []byte(base()+"  usb:\n    vid: 0x0fe6\n    pid: 0x811e\n    device_id: \"MANUFACTURER:ICS;COMMAND SET:ESC/POS;MODEL:80;\"\n"))
		Expect(err).NotTo(HaveOccurred())
		Expect(p.Printer.USB.String()).To(Equal("0fe6:811e"))
		Expect(p.Printer.USB.Manufacturer).To(Equal(profile.DefaultUSBManufacturer))
	})

	It("refuses a device ID without the fields hosts match on", func() {
		_, err := profile.Parse("bad.yaml", []byte(base()+"  usb:\n    device_id: \"MDL:X;\"\n"))
		Expect(err).To(MatchError(ContainSubstring("printer.usb.device_id")))
	})

	It("refuses a VID that does not fit 16 bits", func() {
		_, err := profile.Parse("bad.yaml", []byte(base()+"  usb:\n    vid: 0x104b8\n"))
		Expect(err).To(HaveOccurred())
	})
})
