; pdb.scm: what the PDB itself says about the plug-in's procedures, for
; test-plugin.py to hold against the README: one line per procedure,
; (name ((type name) ...)), the arguments in order as GIMP registered them.

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

(emit "done")
(close-output-port ns-out)
