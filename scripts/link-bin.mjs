// After the build: make the CLI executable and reachable as `npx cosmos-tui` inside this checkout
// (npm links the bins of dependencies, not the project's own).
import {chmodSync, mkdirSync, rmSync, symlinkSync} from 'node:fs';

const target = 'dist/cli/main.js';
chmodSync(target, 0o755);
mkdirSync('node_modules/.bin', {recursive: true});
rmSync('node_modules/.bin/cosmos-tui', {force: true});
symlinkSync(`../../${target}`, 'node_modules/.bin/cosmos-tui');
