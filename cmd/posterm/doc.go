// Command posterm is the terminal application that ships on the device:
// it opens the LCD, keypad, customer display, scanner and printer with the
// drivers in drivers/, connects to the payment platform, and runs the till
// (sign-on, sale, query, void, refund, reprint, settlement) with its
// journal in the state directory. With no --config it runs the embedded
// TEST configuration against a running posemu.
//
//	posterm [--config FILE] [--state DIR] [--devices devices.json] [--gateway URL]
//	posterm hash-password [--iterations N] < password
//	posterm check-config FILE
//	posterm journal [--config FILE] [--state DIR]
package main
