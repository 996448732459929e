/* @jsxRuntime automatic @jsxImportSource react */
// A GPU host's key seen for the first time: its host and SHA256 fingerprint to compare with what
// the host's admin says (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub on the host), then trust it
// (written to known_hosts, as --accept-new-host-key does) or not.
import {Text} from './text.js';
import type {UnknownHostKey} from '../../executor/ssh-connect.js';
import {plain} from '../state/run-summary.js';
import {Dialog} from './dialog.js';

type Props = {host: string; hostKey: UnknownHostKey; busy: boolean; error: string | null; width: number; height: number};

/** The name in /etc/ssh/ssh_host_<name>_key.pub for a key type. */
function keyFileType(keyType: string): string {
	if (keyType.startsWith('ecdsa-')) return 'ecdsa';
	if (keyType === 'ssh-rsa' || keyType.startsWith('rsa-')) return 'rsa';
	return keyType === 'ssh-ed25519' ? 'ed25519' : '*';
}

export function HostKeyDialog({host, hostKey, busy, error, width, height}: Props) {
	return (
		<Dialog title={`Unknown host key: ${plain(host)}`} width={width} height={height} tone="danger">
			<Text wrap="wrap">{`${plain(hostKey.host)} offers a key that is not in known_hosts yet:`}</Text>
			<Text bold wrap="wrap">{`${plain(hostKey.keyType)} ${plain(hostKey.fingerprint)}`}</Text>
			<Text wrap="wrap">{`Check it with the host's admin (on the host: ssh-keygen -lf /etc/ssh/ssh_host_${keyFileType(hostKey.keyType)}_key.pub) before trusting it.`}</Text>
			{error ? <Text color="red" wrap="wrap">{plain(error)}</Text> : null}
			<Text dimColor wrap="truncate">
				{busy ? 'connecting to remember the key...' : 'y trust and remember it · n/Esc do not trust (R asks again)'}
			</Text>
		</Dialog>
	);
}
