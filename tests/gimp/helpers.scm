; helpers.scm: Script-Fu helpers shared by checks.scm and undo.scm. The
; driver (test-plugin.py) defines ns-tmp (a scratch folder for PNGs) and
; ns-results (a file for the facts, one S-expression per line) first.

(define ns-out (open-output-file ns-results))

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

; plug-in-neural-style-full with lists for the arrays; each count is its
; list's length unless given as (counted n list), for a wrong count.
(define (counted n lst) (list 'counted n lst))
(define (array-arg x) (if (and (pair? x) (eq? (car x) 'counted))
                          (cons (cadr x) (caddr x))
                          (cons (length x) x)))
(define (full-call mode image drawable styles blends regions areas scale colors iters size seed)
  (let ((s (array-arg styles)) (b (array-arg blends)) (r (array-arg regions)) (a (array-arg areas)))
    (try (lambda ()
           (car (plug-in-neural-style-full mode image drawable
                                           (car s) (list->vector (cdr s))
                                           (car b) (list->vector (cdr b))
                                           (car r) (list->vector (cdr r))
                                           (car a) (list->vector (cdr a))
                                           scale colors 1.0 1.0 1.0 iters size seed 0))))))

; The item's position in image; -1 if it is not in image (a case may
; pass a drawable of another image on purpose).
(define (item-position image item)
  (let ((found (try (lambda () (car (gimp-image-get-item-position image item))))))
    (if (eq? (car found) 'ok) (cadr found) -1)))

; Runs one call; records the outcome, the layers and the pixels before and
; after (name-before.png, name-after.png composites, name-layer.png result).
(define (run-case name image drawable style cw sw tw iters size seed init mode)
  (run-case-with name image drawable
                 (lambda () (style-call mode image drawable style cw sw tw iters size seed init))))

(define (run-full-case name image drawable mode styles blends regions areas scale colors iters size seed)
  (run-case-with name image drawable
                 (lambda () (full-call mode image drawable styles blends regions areas scale colors
                                       iters size seed))))

(define (run-case-with name image drawable call)
  (save-composite image (string-append name "-before"))
  (let ((before (layers-facts image))
        (outcome (call)))
    (if (eq? (car outcome) 'ok)
        (save-drawable image (cadr outcome) (string-append name "-layer")))
    (save-composite image (string-append name "-after"))
    (emit name outcome
          (list 'position (if (eq? (car outcome) 'ok)
                              (item-position image (cadr outcome))
                              -1)
                (item-position image drawable))
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

; Note: plug-in-checkerboard draws in grey under gimp-console (each
; colour's red value), so this style has no colour; warm-stripes has.
(define (checkerboard image w h type)
  (let ((layer (new-layer image type w h "style" 0 0 0)))
    (gimp-context-set-foreground '(250 220 30))
    (gimp-context-set-background '(10 10 90))
    (plug-in-checkerboard RUN-NONINTERACTIVE image layer 0 8)
    layer))

; A colourful style: red with orange bars, 4 px wide every 8 px.
(define (warm-stripes image w h)
  (let ((layer (new-layer image RGB-IMAGE w h "warm" 0 0 0)))
    (gimp-context-set-foreground '(240 30 20))
    (gimp-drawable-fill layer FILL-FOREGROUND)
    (gimp-image-select-rectangle image CHANNEL-OP-REPLACE 0 0 4 h)
    (let loop ((x 8))
      (if (< x w)
          (begin (gimp-image-select-rectangle image CHANNEL-OP-ADD x 0 4 h)
                 (loop (+ x 8)))))
    (gimp-context-set-foreground '(250 170 0))
    (gimp-drawable-edit-fill layer FILL-FOREGROUND)
    (gimp-selection-none image)
    layer))
