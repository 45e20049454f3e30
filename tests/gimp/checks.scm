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

; ---- plug-in-neural-style-full ------------------------------------------

(define warm-img (car (gimp-image-new 64 64 RGB)))
(define warm (warm-stripes warm-img 64 64))

; Two styles blended, luminance only: the content's colours, new texture.
(define f1 (run-full-case "full-luminance" img content RUN-NONINTERACTIVE
                          (list warm grey-style) '(1.0 1.0) '(-1 -1) '(-1 -1) 1.0 1 10 64 7))
(remove-result img f1)
; WITH-LAST-VALS repeats it (these arguments would fail: colours 9).
(define f2 (run-full-case "full-last-vals" img content RUN-WITH-LAST-VALS
                          (list grey-style) '(1.0) '(-1) '(-1) 1.0 9 0 64 1))
(remove-result img f2)

; A grey picture, the colourful style inside a selection (saved as a
; channel) and the grey style outside it (the inverted selection). With
; the regions swapped the chroma swaps sides (about 100 and 12); without
; regions both sides get about 60.
(define reg-img (car (gimp-image-new 64 48 RGB)))
(define reg-layer (new-layer reg-img RGB-IMAGE 64 48 "regions" 0 0 0))
(gimp-context-set-foreground '(40 40 40))
(gimp-context-set-background '(210 210 210))
(gimp-drawable-edit-gradient-fill reg-layer GRADIENT-LINEAR 0 FALSE 1 0 TRUE 0 0 0 48)
(gimp-image-select-rectangle reg-img CHANNEL-OP-REPLACE 0 0 32 48)
(define inside (car (gimp-selection-save reg-img)))
(gimp-selection-invert reg-img)
(define outside (car (gimp-selection-save reg-img)))
(gimp-selection-none reg-img)
(define f3 (run-full-case "full-regions" reg-img reg-layer RUN-NONINTERACTIVE
                          (list warm grey-style) '(1.0 1.0) (list inside outside) '(-1 -1) 1.0 0 10 64 7))
(remove-result reg-img f3)

; A feathered selection, active, as the one region; the style taken from
; the part of its image selected there.
(gimp-image-select-ellipse reg-img CHANNEL-OP-REPLACE 8 4 48 40)
(gimp-selection-feather reg-img 12)
(define feathered (car (gimp-selection-save reg-img)))
(gimp-image-select-rectangle warm-img CHANNEL-OP-REPLACE 0 0 40 40)
(define style-area (car (gimp-selection-save warm-img)))
(gimp-selection-none warm-img)
(define f4 (run-full-case "full-feather" reg-img reg-layer RUN-NONINTERACTIVE
                          (list warm) '(1.0) (list feathered) (list style-area) 1.0 0 10 64 7))
(remove-result reg-img f4)
(gimp-selection-none reg-img)

; Bad calls: refused, the image as it was.
(define (bad name styles blends regions areas scale colors)
  (run-full-case name reg-img reg-layer RUN-NONINTERACTIVE styles blends regions areas scale colors 10 64 7))
(bad "full-region-layer" (list style) '(1.0) (list reg-layer) '(-1) 1.0 0)
(bad "full-region-other-image" (list style) '(1.0) (list style-area) '(-1) 1.0 0)
(bad "full-area-other-image" (list warm) '(1.0) '(-1) (list inside) 1.0 0)
(bad "full-region-negative" (list style) '(1.0) '(-5) '(-1) 1.0 0)
(bad "full-blends-count" (list style grey-style) (counted 1 '(1.0)) '(-1 -1) '(-1 -1) 1.0 0)
(bad "full-regions-count" (list style grey-style) '(1.0 1.0) (counted 1 '(-1)) '(-1 -1) 1.0 0)
(bad "full-areas-count" (list style grey-style) '(1.0 1.0) '(-1 -1) (counted 1 '(-1)) 1.0 0)
(bad "full-no-styles" '() '() '() '() 1.0 0)
(bad "full-bad-style" (list style 987654) '(1.0 1.0) '(-1 -1) '(-1 -1) 1.0 0)
(bad "full-blends-zero" (list style grey-style) '(0.0 0.0) '(-1 -1) '(-1 -1) 1.0 0)
(bad "full-colors" (list style) '(1.0) '(-1) '(-1) 1.0 3)
(bad "full-scale" (list style) '(1.0) '(-1) '(-1) 20.0 0)

(emit "done")
(close-output-port ns-out)
