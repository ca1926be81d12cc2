import { useEffect, useState } from 'react';
import QRCode from 'qrcode';

/** Renders an otpauth:// URI as a QR code image (a data: URL, which the CSP allows for images). */
export function TotpQr({ uri }: { uri: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 200, color: { dark: '#000000', light: '#ffffff' } })
      .then((url) => {
        if (live) setSrc(url);
      })
      .catch(() => {
        if (live) setFailed(true);
      });
    return () => {
      live = false;
    };
  }, [uri]);

  if (failed) return <p className="qr-fallback">The QR code could not be drawn. Enter the key below by hand.</p>;
  return (
    <div className="qr-frame">
      {src ? (
        <img src={src} width={200} height={200} alt="QR code to add Bulwark to your authenticator app" />
      ) : (
        <div className="qr-placeholder" aria-hidden="true" />
      )}
    </div>
  );
}
