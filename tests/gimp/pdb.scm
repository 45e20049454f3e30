; pdb.scm: what the PDB itself says about the plug-in's procedures, for
; test-plugin.py to hold against the README: one line per procedure,
; (name ((type name) ...)), the arguments in order as GIMP registered them.
; Then calls that only the PDB can make: last values stored in an older
; layout, and calls with the wrong number of arguments.

(load (string-append ns-here "/helpers.scm"))

(define (signature name)
  (let ((n (list-ref (gimp-procedural-db-proc-info name) 6)))
    (let loop ((i (- n 1)) (args '()))
      (if (< i 0)
          (emit name args)
          (let ((arg (gimp-procedural-db-proc-arg name i)))
            (loop (- i 1) (cons (list (car arg) (cadr arg)) args)))))))

(signature "plug-in-neural-style")
(signature "plug-in-neural-style-full")
(signature "plug-in-neural-style-frames")

; Last values stored by a plug-in before they had a version: its raw
; NsValues struct (256 bytes: three weights of 1.0, 5 iterations, size 32,
; one style, blend 1.0, everywhere). Read as raw bytes they would run; the
; plug-in must refuse them for RUN-WITH-LAST-VALS, image untouched.
(define (put-int32! v at n)
  (let loop ((i 0) (n (if (< n 0) (+ n 4294967296) n)))
    (if (< i 4)
        (begin (vector-set! v (+ at i) (modulo n 256))
               (loop (+ i 1) (quotient n 256))))))
(define (put-one! v at)            ; 1.0 as a little-endian double
  (vector-set! v (+ at 6) 240)
  (vector-set! v (+ at 7) 63))
(define old-img (car (gimp-image-new 64 64 RGB)))
(define old-content (new-layer old-img RGB-IMAGE 64 64 "content" 0 0 0))
(gradient old-content 64 64)
(define old-style-img (car (gimp-image-new 64 64 RGB)))
(define old-style (checkerboard old-style-img 64 64 RGB-IMAGE))
(define old-blob (make-vector 256 0))
(for-each (lambda (at) (put-one! old-blob at)) '(0 8 16 56 240))
(put-int32! old-blob 24 5)          ; iterations
(put-int32! old-blob 28 32)         ; size
(put-int32! old-blob 40 1)          ; n_styles
(put-int32! old-blob 48 old-style)  ; styles[0].drawable
(put-int32! old-blob 64 -1)         ; styles[0].region
(put-int32! old-blob 68 -1)         ; styles[0].area
(gimp-procedural-db-set-data "plug-in-neural-style" 256 old-blob)
(emit "stored-size" (car (gimp-procedural-db-get-data-size "plug-in-neural-style")))
(run-case "stored-old-layout" old-img old-content old-style 1.0 1.0 1.0 5 32 0 0 RUN-WITH-LAST-VALS)

; Calls with another number of arguments than the procedure's: Script-Fu
; refuses those itself, so the test plug-in test-neural-style-call-probe
; makes them; one call with the right count (and values the plug-in
; refuses) shows the probe reaches the plug-in. (call NAME COUNT) holds
; the status and the message that came back.
(define (probe-call name count)
  (let ((outcome (try (lambda () (test-neural-style-call-probe RUN-NONINTERACTIVE name count
                                                                old-img old-content)))))
    (emit (string-append "call " name " " (number->string count))
          (if (eq? (car outcome) 'ok) (cadr outcome) outcome))))
(for-each (lambda (count) (probe-call "plug-in-neural-style" count)) '(2 10 11 12))
(for-each (lambda (count) (probe-call "plug-in-neural-style-full" count)) '(3 19 20 21))

(emit "done")
(close-output-port ns-out)
