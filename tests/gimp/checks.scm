; checks.scm: drives plug-in-neural-style inside one gimp-console run.
; The driver (test-plugin.py) defines ns-tmp, ns-results and ns-here before
; loading this file, and reads back ns-results: one S-expression per line,
; (case-name outcome (position new drawable) (before layers) (after layers)),
; plus the PNGs saved here. Nothing is asserted here; the driver compares
; with its own expectations.

(load (string-append ns-here "/helpers.scm"))

; ---- the images --------------------------------------------------------

(gimp-context-set-feather FALSE)

; RGB image: background, the RGBA content layer (offset, with a transparent
; hole), and a layer above it, so "directly above" is tested mid-stack.
(define img (car (gimp-image-new 128 112 RGB)))
(define bg (new-layer img RGB-IMAGE 128 112 "background" 0 0 0))
(gimp-context-set-background '(255 255 255))
(gimp-drawable-fill bg FILL-BACKGROUND)
(define content (new-layer img RGBA-IMAGE 96 80 "content" 12 20 0))
(gradient content 96 80)
(gimp-image-select-rectangle img CHANNEL-OP-REPLACE (+ 12 5) (+ 20 5) 20 20)
(gimp-drawable-edit-clear content)
(gimp-selection-none img)
(define top (new-layer img RGBA-IMAGE 30 30 "top" 0 0 0))
(gimp-drawable-fill top FILL-FOREGROUND)
(save-drawable img content "content")

(define style-img (car (gimp-image-new 64 64 RGB)))
(define style (checkerboard style-img 64 64 RGB-IMAGE))
(define grey-style-img (car (gimp-image-new 64 64 GRAY)))
(define grey-style (checkerboard grey-style-img 64 64 GRAY-IMAGE))
(define rgba-style-img (car (gimp-image-new 64 64 RGB)))
(define rgba-style (checkerboard rgba-style-img 64 64 RGBA-IMAGE))

(define grey-img (car (gimp-image-new 96 96 GRAY)))
(define grey-layer (new-layer grey-img GRAY-IMAGE 96 96 "grey" 0 0 0))
(gradient grey-layer 96 96)

(define indexed-img (car (gimp-image-new 64 64 RGB)))
(define indexed-layer (new-layer indexed-img RGB-IMAGE 64 64 "indexed" 0 0 0))
(gradient indexed-layer 64 64)
(gimp-image-convert-indexed indexed-img CONVERT-DITHER-NONE CONVERT-PALETTE-GENERATE
                            16 FALSE FALSE "")

(define tiny-img (car (gimp-image-new 1 1 RGB)))
(define tiny-layer (new-layer tiny-img RGB-IMAGE 1 1 "tiny" 0 0 0))

; ---- successful runs ---------------------------------------------------

(define r1 (run-case "basic" img content style 1.0 1.0 1.0 10 64 7 0 RUN-NONINTERACTIVE))
(remove-result img r1)

; WITH-LAST-VALS ignores its arguments: these (grey style, 0 iterations)
; would fail or differ if they were used.
(define r2 (run-case "last-vals" img content grey-style 1.0 1.0 1.0 0 64 1 0 RUN-WITH-LAST-VALS))
(remove-result img r2)

; An ellipse, so the mask matters inside its bounding box too.
(gimp-context-set-antialias TRUE)
(gimp-image-select-ellipse img CHANNEL-OP-REPLACE (+ 12 40) (+ 20 20) 40 44)
(define r3 (run-case "selection" img content style 1.0 1.0 1.0 10 64 7 0 RUN-NONINTERACTIVE))
(remove-result img r3)
(gimp-selection-none img)

(define r4 (run-case "grey-content" grey-img grey-layer style 1.0 1.0 1.0 10 64 7 0 RUN-NONINTERACTIVE))
(remove-result grey-img r4)
(define r5 (run-case "grey-style" img content grey-style 1.0 1.0 1.0 10 64 7 0 RUN-NONINTERACTIVE))
(remove-result img r5)
(define r6 (run-case "rgba-style" img content rgba-style 1.0 1.0 1.0 10 64 7 0 RUN-NONINTERACTIVE))
(remove-result img r6)

; ---- bad inputs: each must fail and leave the image as it was -----------

(define nan (- (exp 1000) (exp 1000)))
(run-case "indexed" indexed-img indexed-layer style 1.0 1.0 1.0 10 64 7 0 RUN-NONINTERACTIVE)
(run-case "tiny" tiny-img tiny-layer style 1.0 1.0 1.0 10 0 7 0 RUN-NONINTERACTIVE)
(run-case "iterations-0" img content style 1.0 1.0 1.0 0 64 7 0 RUN-NONINTERACTIVE)
(run-case "iterations-neg" img content style 1.0 1.0 1.0 -5 64 7 0 RUN-NONINTERACTIVE)
(run-case "content-nan" img content style nan 1.0 1.0 10 64 7 0 RUN-NONINTERACTIVE)
(run-case "style-nan" img content style 1.0 nan 1.0 10 64 7 0 RUN-NONINTERACTIVE)
(run-case "tv-neg" img content style 1.0 1.0 -0.5 10 64 7 0 RUN-NONINTERACTIVE)
(run-case "init-bad" img content style 1.0 1.0 1.0 10 64 7 9 RUN-NONINTERACTIVE)
(run-case "size-neg" img content style 1.0 1.0 1.0 10 -1 7 0 RUN-NONINTERACTIVE)
(run-case "size-huge" img content style 1.0 1.0 1.0 10 16000 7 0 RUN-NONINTERACTIVE)

; A style layer whose image was closed: passed directly (GIMP itself
; rejects the stale ID) and remembered as a last value (the plug-in does).
(define gone-img (car (gimp-image-new 64 64 RGB)))
(define gone-style (checkerboard gone-img 64 64 RGB-IMAGE))
(define r7 (run-case "gone-setup" img content gone-style 1.0 1.0 1.0 2 32 7 0 RUN-NONINTERACTIVE))
(remove-result img r7)
(gimp-image-delete gone-img)
(run-case "gone-direct" img content gone-style 1.0 1.0 1.0 10 64 7 0 RUN-NONINTERACTIVE)
(run-case "gone-last-vals" img content style 1.0 1.0 1.0 10 64 7 0 RUN-WITH-LAST-VALS)

; An image from one call and a drawable from another: refused, both images
; as they were (run-case records style-img; img is recorded here).
(save-composite img "wrong-image-content-before")
(define wrong-before (layers-facts img))
(run-case "wrong-image" style-img content style 1.0 1.0 1.0 10 64 7 0 RUN-NONINTERACTIVE)
(save-composite img "wrong-image-content-after")
(emit "wrong-image-content" (list 'before wrong-before) (list 'after (layers-facts img)))

(emit "done")
(close-output-port ns-out)
