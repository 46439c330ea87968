# Reference analysis for the feature tests and the bench: Praat defaults, 10 ms steps.
# HNR and formants are read at the Pitch frame times (nearest HNR frame, linear formant interpolation).
# Output lines: P t f0 | H t hnr | F t f1 f2 f3 | S jitterLocal shimmerLocal shimmerLocalDb meanF0
form Analyse
  sentence file
endform
s = Read from file: file$
pitch = To Pitch (ac): 0.01, 75, 15, "no", 0.03, 0.45, 0.01, 0.35, 0.14, 600
n = Get number of frames
for i to n
  t = Get time from frame number: i
  f = Get value in frame: i, "Hertz"
  appendInfoLine: "P ", fixed$ (t, 6), " ", f
endfor
meanF0 = Get mean: 0, 0, "Hertz"
nP = n
selectObject: s
harm = To Harmonicity (cc): 0.01, 75, 0.1, 1.0
for i to n
  selectObject: pitch
  t = Get time from frame number: i
  selectObject: harm
  h = Get value at time: t, "nearest"
  appendInfoLine: "H ", fixed$ (t, 6), " ", h
endfor
selectObject: s
fm = To Formant (burg): 0.01, 5, 5500, 0.025, 50
for i to n
  selectObject: pitch
  t = Get time from frame number: i
  selectObject: fm
  f1 = Get value at time: 1, t, "hertz", "linear"
  f2 = Get value at time: 2, t, "hertz", "linear"
  f3 = Get value at time: 3, t, "hertz", "linear"
  appendInfoLine: "F ", fixed$ (t, 6), " ", f1, " ", f2, " ", f3
endfor
selectObject: s
plusObject: pitch
pp = To PointProcess (cc)
jit = Get jitter (local): 0, 0, 0.0001, 0.02, 1.3
selectObject: s
plusObject: pp
shim = Get shimmer (local): 0, 0, 0.0001, 0.02, 1.3, 1.6
shimdb = Get shimmer (local_dB): 0, 0, 0.0001, 0.02, 1.3, 1.6
appendInfoLine: "S ", jit, " ", shim, " ", shimdb, " ", meanF0
