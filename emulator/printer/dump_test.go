package printer_test

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/posemu/posemu/emulator/printer"
)

func TestDump(t *testing.T) {
	if os.Getenv("DUMP") == "" {
		t.Skip()
	}
	p := printer.New(smallRoll(), nil, nil)
	p.Feed(kitchenSinkRaw())
	for _, r := range p.Receipts() {
		png, _ := p.PNG(r.ID)
		os.WriteFile(fmt.Sprintf("/tmp/r%d.png", r.ID), png, 0o644)
		j, _ := json.MarshalIndent(r, "", " ")
		fmt.Println(string(j))
	}
	fmt.Println(p.DecodeErrors())
}
