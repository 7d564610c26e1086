import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: "Manage Billing",
  description: "Open your company's Stripe Customer Portal.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <main className="mx-auto max-w-2xl px-4 py-12">{children}</main>
      </body>
    </html>
  );
}
