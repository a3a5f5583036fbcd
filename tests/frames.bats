#!/usr/bin/env bats
# gfd-frames and trajectory frames: each frame names its step (.npy header comment, CSV
# "# step K"), numpy reads the frames and the stack, extract picks by index or step, and
# a trajectory given where one cloud is expected is an error, in both formats.
load helper

setup() {
    cd "$BATS_TEST_TMPDIR"
    gfd-sample -n 400 8gaussians --seed 1 -o y.npy
    gfd-sample -n 400 gaussian -d 2 --seed 2 -o x.npy
    gfd-flow -t y.npy -f kl -T 25 --every 10 --trajectory tr.npy -o out.npy x.npy
    gfd-flow -t y.npy -f kl -T 25 --every 10 --trajectory tr.csv -o out2.npy x.npy
}

@test "frames: list names every frame's step, in both formats" {
    want=$'frame,step,n,d\n0,0,400,2\n1,10,400,2\n2,20,400,2\n3,25,400,2'
    [ "$(gfd-frames list tr.npy)" = "$want" ]
    [ "$(gfd-frames list tr.csv)" = "$want" ]
    [ "$(gfd-frames list < tr.npy)" = "$want" ]
}

@test "frames: numpy reads the frames (step comment and all), the stack, and extract's frames" {
    gfd-frames stack tr.npy -o st.npy
    gfd-frames extract --step 20 tr.npy -o s20.npy
    gfd-frames extract -k -1 tr.csv -o last.npy
    "$GFD_PYTHON" -c "
import numpy as np
f = open('tr.npy', 'rb'); frames = []
while f.peek(1): frames.append(np.load(f))
s = np.load('st.npy')
assert s.shape == (4, 400, 2) and all((s[i] == frames[i]).all() for i in range(4))
assert (np.load('s20.npy') == frames[2]).all()
assert (np.load('last.npy') == np.load('out2.npy')).all() and (frames[3] == np.load('out.npy')).all()
"
}

@test "frames: a trajectory where one cloud is expected is an error, .npy or CSV" {
    expect_fail 1 "tr.npy: more than one frame (a trajectory): read one with gfd-frames extract" gfd-kde -t y.npy tr.npy
    expect_fail 1 "a second frame (two blank lines before it: a CSV trajectory)" gfd-kde -t y.npy tr.csv
}

@test "frames: bad requests are clear errors" {
    expect_fail 1 "no frame of step 11" gfd-frames extract --step 11 tr.npy
    expect_fail 1 "frame 9 of 4" gfd-frames extract -k 9 tr.npy
    expect_fail 2 "extract takes one of -k K and --step S" gfd-frames extract tr.npy
    expect_fail 2 "unknown command 'cut'" gfd-frames cut tr.npy
    expect_fail 2 "stack writes one .npy array" gfd-frames stack tr.npy -o st.csv
    gfd-sample -n 3 gaussian -o small.npy
    cat tr.npy small.npy > mixed.npy
    expect_fail 1 "frame 5 is 3 x 2, frame 1 400 x 2" gfd-frames stack mixed.npy -o st.npy
    [ ! -e st.npy ]
}
