// Ink's render options, shared by launchUi and the bench so the bench measures what users run.
//   maxFps 60: a key press waits at most one 16 ms throttle window behind a log frame. The log
//   itself is flushed at 20 Hz (LogStore), so a flood still draws about 20 frames a second.
//   exitOnCtrlC false: ctrl-c goes through the key registry ('app.interrupt') like q.
export const INK_OPTIONS = {exitOnCtrlC: false, maxFps: 60} as const;
