; frames.scm: plug-in-neural-style-frames in batch mode. The driver
; (test-frames.py) writes ns-tmp/in-0.png .. in-2.png (the frames, bottom
; first) and ns-tmp/style.png, and defines ns-tmp, ns-here, ns-results.
(load (string-append ns-here "/helpers.scm"))

; An image whose layers are the frames, bottom first, named with timings.
(define (frames-image n)
  (let* ((first (string-append ns-tmp "/in-0.png"))
         (image (car (gimp-file-load RUN-NONINTERACTIVE first first))))
    (gimp-item-set-name (car (gimp-image-get-active-layer image)) "frame 0 (100ms)")
    (let loop ((i 1))
      (when (< i n)
        (let* ((path (string-append ns-tmp "/in-" (number->string i) ".png"))
               (layer (car (gimp-file-load-layer RUN-NONINTERACTIVE image path))))
          (gimp-image-insert-layer image layer 0 0)
          (gimp-item-set-name layer (string-append "frame " (number->string i) " (" (number->string (* 100 (+ i 1))) "ms)"))
          (loop (+ i 1)))))
    image))

(define (frames-call image style temporal iters)
  (try (lambda ()
         (car (plug-in-neural-style-frames RUN-NONINTERACTIVE image
                                           (car (gimp-image-get-active-layer image))
                                           1 (vector style) 1 (vector 1.0) 1.0 0
                                           1.0 1.0 1.0 temporal iters 0 0 0)))))

; Each layer of image saved as PREFIX-K.png, K counted from the bottom.
(define (save-layers image prefix)
  (let* ((layers (reverse (vector->list (cadr (gimp-image-get-layers image))))))
    (let loop ((ls layers) (k 0))
      (when (pair? ls)
        (save-drawable image (car ls) (string-append prefix "-" (number->string k)))
        (loop (cdr ls) (+ k 1))))))

(define style-path (string-append ns-tmp "/style.png"))
(define style-image (car (gimp-file-load RUN-NONINTERACTIVE style-path style-path)))
(define style (car (gimp-image-get-active-layer style-image)))

(define source (frames-image 3))
(define images-before (car (gimp-image-list)))
(define steady (frames-call source style 1.0 60))
(emit "steady" steady (layers-facts source)
      (if (eq? (car steady) 'ok) (layers-facts (cadr steady)) '()))
(when (eq? (car steady) 'ok) (save-layers (cadr steady) "steady"))
(save-layers source "source-after")
(define alone (frames-call source style 0.0 60))
(emit "alone" alone)
(when (eq? (car alone) 'ok) (save-layers (cadr alone) "alone"))

; A frame of another size: an error, no new image, the source as it was.
(define uneven (frames-image 3))
(let ((odd (car (gimp-layer-new uneven 50 40 RGB-IMAGE "odd (100ms)" 100 LAYER-MODE-NORMAL))))
  (gimp-image-insert-layer uneven odd 0 0))
(define count-before (car (gimp-image-list)))
(define uneven-call (frames-call uneven style 1.0 10))
(emit "uneven" uneven-call count-before (car (gimp-image-list)) (length (layers-facts uneven)))
(emit "done")
