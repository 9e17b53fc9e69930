package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/posemu/posemu/profile"
	"gopkg.in/yaml.v3"
)

// Station is a bench with a physical terminal: where its devices are and
// who is at it.
type Station struct {
	Name string `yaml:"name" required:"true" doc:"name of the bench, shown in reports"`
	// Profile is the terminal's device profile (key map, scanner framing).
	Profile string `yaml:"profile" doc:"device profile of the terminal: a built-in name or a file relative to the station file"`
	// Devices maps a device name to its port address (docs/addresses.md).
	Devices map[string]string `yaml:"devices" doc:"port address of each device: lcd, custdisplay, keypad, scanner, printer, usb-printer"`
	// Platform is the payment platform's gateway URL.
	Platform string `yaml:"platform" doc:"payment platform gateway URL"`
	// AppID and the keys let the harness's payment client (pay, refund,
	// query) talk to the platform; unset, posemu's test app and keys
	// (fixtures/keys), which a posemu simulator on the bench knows.
	AppID             string `yaml:"app_id" doc:"payment platform app_id (default: posemu's test app)"`
	AppPrivateKey     string `yaml:"app_private_key" doc:"PEM file of the app's private key, relative to the station file (default: posemu's test key)"`
	PlatformPublicKey string `yaml:"platform_public_key" doc:"PEM file of the platform's public key, relative to the station file (default: posemu's test key)"`
	// PromptTimeout bounds every operator prompt (60s if unset).
	PromptTimeout Duration `yaml:"prompt_timeout" doc:"how long an operator prompt waits for an answer (60s if unset)"`
	// Variables override the scenario files' variables (real payment codes).
	Variables map[string]string `yaml:"variables" doc:"values that override the scenario files' variables"`

	profile *profile.Profile
	dir     string // the station file's, for relative paths
}

// LoadStation reads and checks a station file.
func LoadStation(path string) (*Station, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseStation(path, data)
}

// ParseStation checks a station file's content.
func ParseStation(file string, data []byte) (*Station, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s: not valid YAML: %w", file, err)
	}
	top := resolve(&root)
	if top == nil || top.Kind != yaml.MappingNode {
		return nil, &LoadError{Pos: posOf(file, top), Msg: "a station file is a mapping with keys name, devices, …"}
	}
	var st Station
	var d decoder
	if err := d.decode(top, reflect.ValueOf(&st).Elem()); err != nil {
		at := top
		if ne, ok := err.(*NodeError); ok && ne.Node != nil {
			at = ne.Node
		}
		return nil, &LoadError{Pos: posOf(file, at), Msg: err.Error()}
	}
	for name := range st.Devices {
		if !slices.Contains(deviceNames, name) {
			return nil, &LoadError{Pos: posOf(file, valueOf(top, "devices")),
				Msg: fmt.Sprintf("devices: unknown device %q (valid: %s)", name, strings.Join(deviceNames, ", "))}
		}
	}
	st.dir = filepath.Dir(file)
	st.profile = defaultProfile()
	if st.Profile != "" {
		path := st.Profile
		if strings.ContainsAny(path, "/\\") && !filepath.IsAbs(path) {
			path = filepath.Join(filepath.Dir(file), path)
		}
		p, err := profile.Load(path)
		if err != nil {
			return nil, &LoadError{Pos: posOf(file, valueOf(top, "profile")), Msg: "profile: " + err.Error()}
		}
		st.profile = p
	}
	if st.PromptTimeout == 0 {
		st.PromptTimeout = Duration(60 * time.Second)
	}
	return &st, nil
}

// DeviceProfile is the terminal's profile.
func (st *Station) DeviceProfile() *profile.Profile { return st.profile }

// PhysicalTarget runs scenarios on the terminal of a station: the drivers
// open its device addresses, and a person does what needs a hand.
type PhysicalTarget struct {
	Station  *Station
	Operator Operator
}

// Name is TargetPhysical.
func (t *PhysicalTarget) Name() string { return TargetPhysical }

// Start opens the readers the scenario needs. A scenario written for
// another device profile is skipped: this terminal is what it is.
func (t *PhysicalTarget) Start(ctx context.Context, sc *Scenario) (Session, error) {
	prof := t.Station.DeviceProfile()
	if sc.Profile != nil && !reflect.DeepEqual(sc.Profile, prof) {
		return nil, &SkipError{Reason: fmt.Sprintf("given: the scenario's device profile (%q, as given) is not station %s's (%q)",
			sc.Profile.Name, t.Station.Name, prof.Name)}
	}
	app := NewApp(prof, t.Station.Devices)
	// A device the station lacks is not listened to; a step that reads it
	// then fails saying the station has no address for it.
	listen := slices.DeleteFunc(sc.Listens(), func(d string) bool { return !app.Has(d) })
	if err := app.Listen(listen); err != nil {
		app.Close()
		return nil, err
	}
	return &physSession{app: app, op: t.Operator, timeout: t.Station.PromptTimeout.D(), station: t.Station}, nil
}

type physSession struct {
	app     *App
	op      Operator
	timeout time.Duration
	station *Station

	platform lazyPlatform // the station's, once a payment step needs it
}

func (s *physSession) promptTimeout() time.Duration { return s.timeout }

func (s *physSession) App() *App          { return s.app }
func (s *physSession) Operator() Operator { return s.op }
func (s *physSession) Close() error {
	return errors.Join(s.platform.close(), s.app.Close())
}
