;; Stereo K-weighting (BS.1770) in WebAssembly SIMD: the left channel in lane 0 and the right in lane 1 of
;; every f64x2, so one instruction advances both recursions. Same arithmetic, in the same order, as
;; filterEnergyStereo in loudness.ts: the two give equal bits (loudness.test.ts checks it).
;;
;; Assembled by `node scripts/build-wasm.mjs` into kweight-wasm.ts (the test fails when that file is stale).
;;
;; Memory (2 pages, never grown: growing would detach the JavaScript views of it, and one detached
;; ArrayBuffer makes V8 check every typed-array access in the process from then on):
;;   0   header, each an f64x2 (left, right):
;;         0 b0  16 b1  32 b2  48 a1  64 a2            shelf
;;        80 hb0 96 hb1 112 hb2 128 ha1 144 ha2       high-pass
;;       160 s1 176 s2 192 t1 208 t2                  state (transposed direct form II)
;;       224 energy, Σ z² (added to, never reset here)
;;   256 block maxima: (left, right) f32 pairs, one per 32-frame block the frames touch (≤ 257)
;;  4352 frames: interleaved f32 (left, right), at most 8192
(module
  (memory (export "memory") 2 2)
  (global $BM i32 (i32.const 256))
  (global $IN i32 (i32.const 4352))

  ;; Filters frames [0, n) of the input. `phase` is the first frame's position in its 32-frame block:
  ;; block pair k covers frames [32k − phase, 32k − phase + 32).
  (func (export "stereo") (param $n i32) (param $phase i32)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $a1 v128) (local $a2 v128)
    (local $hb0 v128) (local $hb1 v128) (local $hb2 v128) (local $ha1 v128) (local $ha2 v128)
    (local $s1 v128) (local $s2 v128) (local $t1 v128) (local $t2 v128) (local $e v128)
    (local $v v128) (local $x v128) (local $y v128) (local $z v128) (local $m v128)
    (local $f i32) (local $to i32) (local $run i32) (local $p i32) (local $pe i32) (local $pair i32)
    (local.set $b0 (v128.load (i32.const 0)))
    (local.set $b1 (v128.load (i32.const 16)))
    (local.set $b2 (v128.load (i32.const 32)))
    (local.set $a1 (v128.load (i32.const 48)))
    (local.set $a2 (v128.load (i32.const 64)))
    (local.set $hb0 (v128.load (i32.const 80)))
    (local.set $hb1 (v128.load (i32.const 96)))
    (local.set $hb2 (v128.load (i32.const 112)))
    (local.set $ha1 (v128.load (i32.const 128)))
    (local.set $ha2 (v128.load (i32.const 144)))
    (local.set $s1 (v128.load (i32.const 160)))
    (local.set $s2 (v128.load (i32.const 176)))
    (local.set $t1 (v128.load (i32.const 192)))
    (local.set $t2 (v128.load (i32.const 208)))
    (local.set $e (v128.load (i32.const 224)))
    ;; positions counted from the first block's start
    (local.set $f (local.get $phase))
    (local.set $to (i32.add (local.get $phase) (local.get $n)))
    (local.set $p (global.get $IN))
    (block $done
      (loop $runs
        (br_if $done (i32.ge_u (local.get $f) (local.get $to)))
        ;; a run ends at the next block boundary (or at the last frame)
        (local.set $run (i32.add (i32.and (local.get $f) (i32.const -32)) (i32.const 32)))
        (if (i32.gt_u (local.get $run) (local.get $to)) (then (local.set $run (local.get $to))))
        (local.set $pair (i32.add (global.get $BM) (i32.shl (i32.shr_u (local.get $f) (i32.const 5)) (i32.const 3))))
        (local.set $m (v128.load64_zero (local.get $pair)))
        (local.set $pe (i32.add (local.get $p) (i32.shl (i32.sub (local.get $run) (local.get $f)) (i32.const 3))))
        (loop $frames
          (local.set $v (v128.load64_zero (local.get $p)))
          ;; m = m < |v| ? |v| : m (pmax), as `if (a > m) m = a`: a NaN sample leaves the maximum alone
          (local.set $m (f32x4.pmax (local.get $m) (f32x4.abs (local.get $v))))
          (local.set $x (f64x2.promote_low_f32x4 (local.get $v)))
          ;; shelf: y = b0·x + s1; s1 = b1·x − a1·y + s2; s2 = b2·x − a2·y
          (local.set $y (f64x2.add (f64x2.mul (local.get $b0) (local.get $x)) (local.get $s1)))
          (local.set $s1
            (f64x2.add
              (f64x2.sub (f64x2.mul (local.get $b1) (local.get $x)) (f64x2.mul (local.get $a1) (local.get $y)))
              (local.get $s2)))
          (local.set $s2 (f64x2.sub (f64x2.mul (local.get $b2) (local.get $x)) (f64x2.mul (local.get $a2) (local.get $y))))
          ;; high-pass: z = hb0·y + t1; t1 = hb1·y − ha1·z + t2; t2 = hb2·y − ha2·z
          (local.set $z (f64x2.add (f64x2.mul (local.get $hb0) (local.get $y)) (local.get $t1)))
          (local.set $t1
            (f64x2.add
              (f64x2.sub (f64x2.mul (local.get $hb1) (local.get $y)) (f64x2.mul (local.get $ha1) (local.get $z)))
              (local.get $t2)))
          (local.set $t2 (f64x2.sub (f64x2.mul (local.get $hb2) (local.get $y)) (f64x2.mul (local.get $ha2) (local.get $z))))
          (local.set $e (f64x2.add (local.get $e) (f64x2.mul (local.get $z) (local.get $z))))
          (local.set $p (i32.add (local.get $p) (i32.const 8)))
          (br_if $frames (i32.lt_u (local.get $p) (local.get $pe))))
        (v128.store64_lane 0 (local.get $pair) (local.get $m))
        (local.set $f (local.get $run))
        (br $runs)))
    (v128.store (i32.const 160) (local.get $s1))
    (v128.store (i32.const 176) (local.get $s2))
    (v128.store (i32.const 192) (local.get $t1))
    (v128.store (i32.const 208) (local.get $t2))
    (v128.store (i32.const 224) (local.get $e))))
