// The EOS R50's `GET /ccapi` answer, entry for entry (from a real capture, docs/camera-notes.md §8), in capture order.

export interface TopologyEntry {
  path: string;
  get: boolean;
  post: boolean;
  put: boolean;
  delete: boolean;
}
export type TopologyDoc = Record<string, TopologyEntry[]>;

/** Flags G/P/U/D, `.` for none (`G.UD` = get, put, delete), and a feature spec with at most one `{a,b}` group. */
type Line = readonly [flags: string, spec: string];

const VER100: readonly Line[] = [
  ['G...', 'deviceinformation'],
  ['G...', 'devicestatus/{battery,lens,temperature}'],
  ['G.UD', 'functions/ssl/servercert/commonname'],
  ['G...', 'functions/ssl/cacert'],
  ['G.U.', 'functions/cors/corssetting'],
  ['G.UD', 'functions/cors/origin'],
  ['G.UD', 'functions/registeredname/{copyright,author,ownername,nickname}'],
  ['G.U.', 'functions/datetime'],
  ['.P..', 'functions/cardformat'],
  ['G.U.', 'functions/{beep,displayoff,autopoweroff}'],
  ['.P..', 'functions/wificonnection'],
  ['.P..', 'shooting/control/{shutterbutton,shutterbutton/manual}'],
  ['GP..', 'shooting/control/{ignoreshootingmodedialmode,moviemode}'],
  ['.P..', 'shooting/control/{recbutton,drivefocus,af}'],
  ['G...', 'shooting/settings'],
  [
    'G.U.',
    'shooting/settings/{shootingmodedial,shootingmodedial/movie,av,tv,iso,exposure,wb,colortemperature,afoperation,' +
      'afmethod,stillimageaspectratio,flash,metering,drive,aeb,wbshift,wbbracket,colorspace,picturestyle}',
  ],
  [
    'G.UD',
    'shooting/settings/picturestyle/{auto,standard,portrait,landscape,finedetail,neutral,faithful,monochrome,' +
      'userdef1,userdef2,userdef3}',
  ],
  ['G.U.', 'shooting/settings/picturestyle/{userdef1,userdef2,userdef3}/basepicturestyle'],
  [
    'G.U.',
    'shooting/settings/{focusbracketing,focusbracketing/numberofshots,focusbracketing/focusincrement,' +
      'focusbracketing/exposuresmoothing,moviequality,soundrecording,soundrecording/level,soundrecording/windfilter,' +
      'soundrecording/attenuator}',
  ],
  ['G...', 'shooting/information/recordable'],
  ['.P..', 'shooting/liveview'],
  ['G...', 'shooting/liveview/{flip,flipdetail}'],
  ['G..D', 'shooting/liveview/{scroll,scrolldetail,multipart}'],
  ['GP..', 'shooting/liveview/rtp'],
  ['G...', 'shooting/liveview/rtpsessiondesc'],
  ['.P..', 'shooting/liveview/angleinformation'],
  ['..U.', 'shooting/liveview/afframeposition'],
  ['G..D', 'event/monitoring'],
];

const VER110: readonly Line[] = [
  ['G...', 'devicestatus/{storage,currentstorage,currentdirectory,batterylist}'],
  ['G...', 'functions/wifisetting'],
  ['G.UD', 'functions/wifisetting/{set1,set2,set3}'],
  ['G...', 'shooting/settings'],
  ['G.U.', 'shooting/settings/{stillimagequality,hdr,shuttermode,trackingsetting,highframerate}'],
  ['.P..', 'shooting/liveview/clickwb'],
  ['G..D', 'event/polling'],
  ['G...', 'customfunction/exposureincrements/{av,tv,exposure,flashexposure}'],
  ['G...', 'customfunction/isoincrements'],
  ['.P..', 'shooting/control/flickerdetection'],
  ['G.U.', 'shooting/settings/antiflickershoot'],
];

const VER130: readonly Line[] = [['G.UD', 'contents']];

function expand(spec: string): string[] {
  const m = /^(.*)\{([^}]*)\}(.*)$/.exec(spec);
  return m ? m[2]!.split(',').map((part) => `${m[1]}${part}${m[3]}`) : [spec];
}

function entries(version: string, lines: readonly Line[]): TopologyEntry[] {
  return lines.flatMap(([flags, spec]) =>
    expand(spec).map((feature) => ({
      path: `/ccapi/${version}/${feature}`,
      get: flags[0] === 'G',
      post: flags[1] === 'P',
      put: flags[2] === 'U',
      delete: flags[3] === 'D',
    })),
  );
}

/** A fresh copy of the R50 topology document (80 + 23 + 0 + 1 entries). */
export function r50Topology(): TopologyDoc {
  return { ver100: entries('ver100', VER100), ver110: entries('ver110', VER110), ver120: [], ver130: entries('ver130', VER130) };
}
