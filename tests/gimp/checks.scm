; checks.scm: drives plug-in-neural-style inside one gimp-console run.
; The driver (test-plugin.py) defines ns-tmp (a scratch folder) before
; loading this file, and reads back ns-tmp/results.txt: one S-expression
; per line, (case-name outcome facts...), plus the PNGs written here.
; Nothing is asserted here; the driver compares with its own expectations.

(define ns-out (open-output-file (string-append ns-tmp "/results.txt")))

(define (emit . items)
  (write items ns-out)
  (newline ns-out))

; Runs thunk; returns (ok value) or (error "message") instead of aborting
; the batch when a PDB call fails.
(define (try thunk)
  (call/cc
    (lambda (k)
      (let ((saved *error-hook*))
        (set! *error-hook*
              (lambda args
                (set! *error-hook* saved)
                (k (list 'error (if (pair? args) (car args) "")))))
        (let ((value (thunk)))
          (set! *error-hook* saved)
          (list 'ok value))))))

(define (png name) (string-append ns-tmp "/" name ".png"))

(define (save-drawable image drawable name)
  (file-png-save2 RUN-NONINTERACTIVE image drawable (png name) (png name)
                  0 9 0 0 0 0 0 0 0))

; The image as the user sees it: a flattened duplicate.
(define (save-composite image name)
  (let* ((dup (car (gimp-image-duplicate image)))
         (flat (car (gimp-image-flatten dup))))
    (save-drawable dup flat name)
    (gimp-image-delete dup)))

(define (layer-facts layer)
  (let ((offsets (gimp-drawable-offsets layer)))
    (list layer (car (gimp-item-get-name layer))
          (car (gimp-drawable-width layer)) (car (gimp-drawable-height layer))
          (car offsets) (cadr offsets)
          (car (gimp-drawable-type layer)))))

(define (layers-facts image)
  (map layer-facts (vector->list (cadr (gimp-image-get-layers image)))))

(define (style-call mode image drawable style cw sw tw iters size seed init)
  (try (lambda ()
         (car (plug-in-neural-style mode image drawable style cw sw tw
                                    iters size seed init)))))

; Runs one call; records the outcome, the layers and the pixels before and
; after (name-before.png, name-after.png composites, name-layer.png result).
(define (run-case name image drawable style cw sw tw iters size seed init mode)
  (save-composite image (string-append name "-before"))
  (let ((before (layers-facts image))
        (outcome (style-call mode image drawable style cw sw tw iters size seed init)))
    (if (eq? (car outcome) 'ok)
        (save-drawable image (cadr outcome) (string-append name "-layer")))
    (save-composite image (string-append name "-after"))
    (emit name outcome
          (list 'position (if (eq? (car outcome) 'ok)
                              (car (gimp-image-get-item-position image (cadr outcome)))
                              -1)
                (car (gimp-image-get-item-position image drawable)))
          (list 'before before)
          (list 'after (layers-facts image)))
    outcome))

(define (remove-result image outcome)
  (if (eq? (car outcome) 'ok)
      (gimp-image-remove-layer image (cadr outcome))))

(define (new-layer image type w h name x y position)
  (let ((layer (car (gimp-layer-new image w h type name 100 LAYER-MODE-NORMAL))))
    (gimp-image-insert-layer image layer 0 position)
    (gimp-layer-set-offsets layer x y)
    layer))

(define (gradient layer w h)
  (gimp-context-set-foreground '(230 40 20))
  (gimp-context-set-background '(20 60 240))
  (gimp-drawable-edit-gradient-fill layer GRADIENT-LINEAR 0 FALSE 1 0 TRUE
                                    0 0 w h))

(define (checkerboard image w h type)
  (let ((layer (new-layer image type w h "style" 0 0 0)))
    (gimp-context-set-foreground '(250 220 30))
    (gimp-context-set-background '(10 10 90))
    (plug-in-checkerboard RUN-NONINTERACTIVE image layer 0 8)
    layer))

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

(gimp-image-select-rectangle img CHANNEL-OP-REPLACE (+ 12 40) (+ 20 20) 40 44)
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

(emit "done")
(close-output-port ns-out)
