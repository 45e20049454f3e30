; undo.scm: one Edit > Undo must remove the plug-in's work. The PDB of GIMP
; 2.10 cannot undo, so this runs in the GUI (under Xvfb): after the plug-in
; it signals ns-tmp/ready.txt, the driver presses Ctrl+Z in the image window,
; and this waits until the layer count drops (or gives up), then records.

(load (string-append ns-here "/helpers.scm"))

(define img (car (gimp-image-new 128 112 RGB)))
(define bg (new-layer img RGB-IMAGE 128 112 "background" 0 0 0))
(gimp-context-set-background '(255 255 255))
(gimp-drawable-fill bg FILL-BACKGROUND)
(define content (new-layer img RGBA-IMAGE 96 80 "content" 12 20 0))
(gradient content 96 80)
(define style-img (car (gimp-image-new 64 64 RGB)))
(define style (checkerboard style-img 64 64 RGB-IMAGE))
(gimp-image-select-rectangle img CHANNEL-OP-REPLACE 30 30 50 40)
(gimp-display-new img)

(define (layer-count) (car (gimp-image-get-layers img)))

(save-composite img "undo-before")
(define before (layers-facts img))
(define outcome (style-call RUN-NONINTERACTIVE img content style 1.0 1.0 1.0 10 64 7 0))
(save-composite img "undo-styled")
(define styled (layers-facts img))
(gimp-displays-flush)

(let ((ready (open-output-file (string-append ns-tmp "/ready.txt"))))
  (write (list 'ready (car (gimp-image-get-item-position img content))) ready)
  (close-output-port ready))

; Busy wait: Script-Fu has no sleep; each call is a round trip to GIMP.
(define (wait-for-undo n)
  (if (and (> n 0) (= (layer-count) (length styled)))
      (wait-for-undo (- n 1))))
(wait-for-undo 100000)

(save-composite img "undo-after")
(emit "undo" outcome (list 'before before) (list 'styled styled)
      (list 'after (layers-facts img))
      (list 'selection (car (gimp-selection-bounds img))))
(close-output-port ns-out)
(gimp-quit 1)   ; force: the GUI would ask about the unsaved image
