package harness

import "errors"

// The part the terminal steps wait for.
const needTerminal = "the terminal application (terminal/)"

// SignOnStep signs an operator on.
type SignOnStep struct {
	Operator string `yaml:"operator" required:"true" doc:"operator number, e.g. 01"`
	Password string `yaml:"password" required:"true" doc:"the operator's password (never logged)"`
}

// RestartAppStep kills the terminal application hard and starts it again.
type RestartAppStep struct {
	Graceful bool `yaml:"graceful" doc:"stop it cleanly instead of killing it"`
}

// ExpectJournalStep checks the terminal's transaction journal.
type ExpectJournalStep struct {
	Kind     string   `yaml:"kind" doc:"sale, refund, cancel, query, settlement"`
	Status   string   `yaml:"status" doc:"the entry's state, e.g. success, failed, unknown, reversed"`
	Amount   string   `yaml:"amount" doc:"yuan"`
	Count    *int     `yaml:"count" doc:"how many entries (of this kind, if given) the journal has"`
	Contains string   `yaml:"contains" doc:"some field of the latest entry contains this text"`
	Timeout  Duration `yaml:"timeout" doc:"how long to wait"`
}

// Validate checks that the step checks something.
func (s *ExpectJournalStep) Validate() error {
	if s.Kind == "" && s.Status == "" && s.Amount == "" && s.Count == nil && s.Contains == "" {
		return errors.New("say what to expect: kind, status, amount, count or contains")
	}
	return oneOf("kind", s.Kind, "sale", "refund", "cancel", "query", "settlement")
}

func init() {
	Register(Def[SignOnStep]{
		Name: "sign_on", Area: "terminal",
		Hardware: "asks the operator to sign on",
		Summary:  "an operator signs on to the terminal application",
		Example:  `- sign_on: {operator: "01", password: "${op_password}"}`,
		Needs:    needTerminal,
		Physical: func(r *Run, s *SignOnStep) error {
			return r.AskDo("Sign on as operator " + s.Operator + " (password from the station sheet)")
		},
	})
	Register(Def[RestartAppStep]{
		Name: "restart_app", Area: "terminal",
		Hardware: "asks the operator to power-cycle (or restart) the terminal",
		Summary:  "kill the terminal application (a power cut, unless graceful) and start it again",
		Example:  `- restart_app: {}`,
		Needs:    needTerminal,
		Physical: func(r *Run, s *RestartAppStep) error {
			if s.Graceful {
				return r.AskDo("Restart the terminal from its menu and wait for the idle screen")
			}
			return r.AskDo("Pull the terminal's power, plug it back in and wait for the idle screen")
		},
	})
	Register(Def[ExpectJournalStep]{
		Name: "expect_journal", Area: "terminal",
		Summary:       "the terminal's transaction journal has this entry",
		Example:       `- expect_journal: {kind: sale, status: success, amount: "12.50"}`,
		Needs:         needTerminal,
		NotOnHardware: "the journal is read from the application's files on the emulator",
	})
}
